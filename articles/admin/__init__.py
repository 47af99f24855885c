"""The editors' tool: the Django admin for essays and everything an essay is made of.

`library` holds the small admins (sections, topics, authors, images, pages); `essays` the
essay editor, with its previews (`previews`) and revision history (`history`).
"""

from . import essays, library  # noqa: F401  (each registers its admins)
