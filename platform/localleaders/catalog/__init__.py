"""Course content and program rules as files: parsing, validation and sync into the database."""
