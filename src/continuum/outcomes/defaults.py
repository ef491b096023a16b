"""The default instrument, created by migration 0002_default_instrument.

Continuum's own family outcomes measure, on the 10 headline outcomes of the National Supporting
Families Outcome Framework 2022-25 (standards.md 4.3), scored 1-10. Its stage labels are
Continuum's own wording: the Outcomes Star "Journey of Change" is licensed and is not reproduced.
"""

DEFAULT_CODE = "continuum-family-outcomes"
