"""Reports: read-only figures computed from the records (queries, then charts of them).

Nothing here decides who may see what; the services pass in the scope they allow.
"""
