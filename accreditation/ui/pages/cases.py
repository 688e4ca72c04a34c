from accreditation.ui import cases, common

with common.friendly_errors():
    cases.cases_page()
