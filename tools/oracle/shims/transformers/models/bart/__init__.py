"""Package marker; oracle.refs.install() appends <reference>/transformers/src/transformers/models/bart to __path__."""
