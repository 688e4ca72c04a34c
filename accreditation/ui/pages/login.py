from accreditation.ui import common, login

with common.friendly_errors():
    login.login_page()
