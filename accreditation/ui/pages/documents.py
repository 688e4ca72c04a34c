from accreditation.ui import common, documents

with common.friendly_errors():
    documents.documents_page()
