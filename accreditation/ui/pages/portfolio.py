from accreditation.ui import brand, common

with common.friendly_errors():
    brand.portfolio_page()
