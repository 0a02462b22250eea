"""Property tests: every binary op broadcasts its gradient back to each input's shape.

For random broadcast-compatible shape pairs (0-d included), the gradient of each binary
op has the input's shape and equals PyTorch's.
"""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import assert_matches_torch
from hypothesis import given, settings
from hypothesis import strategies as st

BINARY_OPS = {
    "add": lambda B, a, b: a + b,
    "subtract": lambda B, a, b: a - b,
    "multiply": lambda B, a, b: a * b,
    "divide": lambda B, a, b: a / b,
    "power": lambda B, a, b: B.abs(a) ** b,  # a positive base, so a^b is real
    "maximum": lambda B, a, b: B.maximum(a, b),
    "minimum": lambda B, a, b: B.minimum(a, b),
    "where": lambda B, a, b: B.where(B.const(B.sum(a) > 0), a, b),
}

SHAPE_PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)
MATMUL_SHAPES = hnp.mutually_broadcastable_shapes(
    signature=np.matmul.signature, min_dims=0, max_dims=2, min_side=1, max_side=3
)


def _operands(shapes, seed):
    rng = np.random.default_rng(seed)
    # Values bounded away from 0 (division, the base of a power) and from each other's
    # mirror images, so that no maximum or minimum ties.
    a = rng.uniform(0.5, 2.0, shapes[0]) * rng.choice([-1.0, 1.0], shapes[0])
    b = rng.uniform(0.5, 2.0, shapes[1]) * rng.choice([-1.0, 1.0], shapes[1]) + 0.01
    return a, b


@pytest.mark.parametrize("op", BINARY_OPS)
@settings(max_examples=30, deadline=None)
@given(shapes=SHAPE_PAIRS, seed=st.integers(0, 2**32 - 1))
def test_binary_op_gradient_has_input_shape_and_matches_torch(op, shapes, seed):
    a, b = _operands(shapes.input_shapes, seed)
    assert_matches_torch(BINARY_OPS[op], a, b, seed=seed)


@settings(max_examples=30, deadline=None)
@given(shapes=SHAPE_PAIRS, seed=st.integers(0, 2**32 - 1))
def test_python_scalar_operand_broadcasts(shapes, seed):
    a, _ = _operands(shapes.input_shapes, seed)
    assert_matches_torch(lambda B, x: (2.5 - x) * 3.0 / (x * x + 1.0) + 0.5**x, a, seed=seed)


@settings(max_examples=40, deadline=None)
@given(shapes=MATMUL_SHAPES, seed=st.integers(0, 2**32 - 1))
def test_matmul_gradient_broadcasts_batch_dimensions(shapes, seed):
    a, b = _operands(shapes.input_shapes, seed)
    assert_matches_torch(lambda B, x, y: B.matmul(x, y), a, b, seed=seed)
