from accreditation.ui import common, signup

with common.friendly_errors():
    signup.team_page()
