from accreditation.ui import common, register

with common.friendly_errors():
    register.awards_page()
