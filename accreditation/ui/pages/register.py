from accreditation.ui import common, register

with common.friendly_errors():
    register.register_page()
