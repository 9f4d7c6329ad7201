"""Pure protocol code: no I/O. The sync and async clients drive what it decides."""
