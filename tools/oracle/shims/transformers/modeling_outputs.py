"""Stand-in for `transformers.modeling_outputs`: the output dataclasses that modeling_bart.py and
ViSAGe import, with the same field names and order as transformers 4.40."""
from dataclasses import dataclass
from typing import Optional, Tuple

import torch

from .utils import ModelOutput

T = Optional[torch.FloatTensor]
TT = Optional[Tuple[torch.FloatTensor, ...]]


@dataclass
class BaseModelOutput(ModelOutput):
    last_hidden_state: T = None
    hidden_states: TT = None
    attentions: TT = None


@dataclass
class BaseModelOutputWithPastAndCrossAttentions(ModelOutput):
    last_hidden_state: T = None
    past_key_values: TT = None
    hidden_states: TT = None
    attentions: TT = None
    cross_attentions: TT = None


@dataclass
class Seq2SeqModelOutput(ModelOutput):
    last_hidden_state: T = None
    past_key_values: TT = None
    decoder_hidden_states: TT = None
    decoder_attentions: TT = None
    cross_attentions: TT = None
    encoder_last_hidden_state: T = None
    encoder_hidden_states: TT = None
    encoder_attentions: TT = None


@dataclass
class Seq2SeqLMOutput(ModelOutput):
    loss: T = None
    logits: T = None
    past_key_values: TT = None
    decoder_hidden_states: TT = None
    decoder_attentions: TT = None
    cross_attentions: TT = None
    encoder_last_hidden_state: T = None
    encoder_hidden_states: TT = None
    encoder_attentions: TT = None


@dataclass
class CausalLMOutputWithCrossAttentions(ModelOutput):
    loss: T = None
    logits: T = None
    past_key_values: TT = None
    hidden_states: TT = None
    attentions: TT = None
    cross_attentions: TT = None


@dataclass
class Seq2SeqQuestionAnsweringModelOutput(ModelOutput):
    loss: T = None
    start_logits: T = None
    end_logits: T = None
    past_key_values: TT = None
    decoder_hidden_states: TT = None
    decoder_attentions: TT = None
    cross_attentions: TT = None
    encoder_last_hidden_state: T = None
    encoder_hidden_states: TT = None
    encoder_attentions: TT = None


@dataclass
class Seq2SeqSequenceClassifierOutput(ModelOutput):
    loss: T = None
    logits: T = None
    past_key_values: TT = None
    decoder_hidden_states: TT = None
    decoder_attentions: TT = None
    cross_attentions: TT = None
    encoder_last_hidden_state: T = None
    encoder_hidden_states: TT = None
    encoder_attentions: TT = None
