"""Imported by the fork server the document workers are forked from
(beslut/workers.py): the pipeline and its lexicons, loaded once for them all."""

from beslut.workers import warm_up

warm_up()
