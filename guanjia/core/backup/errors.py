"""What a backup or a restore refuses, with a message for the operator."""


class BackupError(Exception):
    """An archive that cannot be written or restored; the message says why, in the active language."""
