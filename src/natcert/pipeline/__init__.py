"""Django-free feed engine: collect → parse → validate → experts → output, on columnar batches.

A *batch* is a :class:`polars.DataFrame` whose columns are IntelMQ harmonization field names
(``source.ip``, ``classification.type``, ...; see :mod:`natcert.pipeline.schema`) plus the
internal column ``_line`` (1-based line or record number in the report). Nothing here imports
Django: the Django side plugs in through the ports in :mod:`natcert.pipeline.ports`.
"""
