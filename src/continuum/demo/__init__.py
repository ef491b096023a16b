"""The synthetic demo area "Northbrook": name lists, the area's directory, and the generator.

A plain Python package (not a Django app). Entry point: `continuum.demo.seed.seed_northbrook`,
used by the `continuum seed` and `continuum demo` commands.
"""
