"""The questionnaire offline: a workbook to answer in Excel without internet (`export.build_workbook`), read back
and imported into the company's draft (`importing.import_into_draft`), and a printable PDF
(`accreditation.reports.questionnaire`). See docs/offline.md."""

from accreditation.offline.export import build_workbook
from accreditation.offline.importing import (
                                             Outcome,
                                             Problem,
                                             Reading,
                                             draft_prefill,
                                             import_into_draft,
                                             read_answers,
)
from accreditation.offline.layout import Fixed, Prefill

__all__ = ["Fixed", "Outcome", "Prefill", "Problem", "Reading", "build_workbook", "draft_prefill",
           "import_into_draft", "read_answers"]
