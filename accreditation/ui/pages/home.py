from accreditation.ui import common, sme

with common.friendly_errors():
    sme.home_page()
