from accreditation.ui import assessor, common

with common.friendly_errors():
    assessor.review_page()
