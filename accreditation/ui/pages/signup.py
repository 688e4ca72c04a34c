from accreditation.ui import common, signup

with common.friendly_errors():
    signup.signup_page()
