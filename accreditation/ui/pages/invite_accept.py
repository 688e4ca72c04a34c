from accreditation.ui import common, invitations

with common.friendly_errors():
    invitations.accept_page()
