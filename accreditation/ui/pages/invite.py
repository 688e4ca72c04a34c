from accreditation.ui import common, invitations

with common.friendly_errors():
    invitations.invite_page()
