from accreditation.ui import common, sme

with common.friendly_errors():
    sme.profile_page()
