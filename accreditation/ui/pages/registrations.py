from accreditation.ui import common, signup

with common.friendly_errors():
    signup.registrations_page()
