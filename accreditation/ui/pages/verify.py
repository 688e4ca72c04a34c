from accreditation.ui import common, verify_page

with common.friendly_errors():
    verify_page.verify_page()
