"""``bingpin audit``: a year of records run through the policy, each row answered as the single
endpoint answers it, compared with what the audited system paid (DESIGN.md "Auditing records in
bulk"). :class:`~bingpin.api.audit.partition.Partition` is the partition function every engine runs.
"""

from __future__ import annotations
