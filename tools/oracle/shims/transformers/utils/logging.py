"""Stand-in for `transformers.utils.logging`: standard loggers with `warning_once`."""
import functools
import logging as _logging


def get_logger(name=None):
    logger = _logging.getLogger(name)
    if not hasattr(logger, "warning_once"):
        logger.warning_once = functools.lru_cache(None)(logger.warning)
    return logger
