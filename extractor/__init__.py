"""inami-tariffs: INAMI/RIZIV tariff circulars → validated tariff tables, exports and reports.

The library API lives in extractor.api; importing this package stays cheap.
"""

__version__ = "0.1.0"
