from annotate.models.assignment import Assignment
from annotate.models.attribution import Attribution, Span, Stance
from annotate.models.history import HistoryEntry
from annotate.models.project import Actor, Membership, Project, ProjectArticle, VocabularyTerm
from annotate.models.release import DatasetRelease

__all__ = [
    "Actor",
    "Assignment",
    "Attribution",
    "DatasetRelease",
    "HistoryEntry",
    "Membership",
    "Project",
    "ProjectArticle",
    "Span",
    "Stance",
    "VocabularyTerm",
]
