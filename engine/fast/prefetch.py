"""prefetch_row: ask the CPU to start loading a weight row into its cache, while the kernel computes something else.

What it does: prefetch_row(W, r) issues one prefetch instruction (LLVM's llvm.prefetch: read, keep in every cache
level; x86's prefetcht0) for each 64-byte line of row r of a 2-D C-contiguous array, and returns at once. The
batched kernel calls it for the next center's rows before it computes this center's update, so their loads overlap
that work instead of stalling the next center (measured in interleaved rounds on head500, the kernel alone as
bench/hogwild_sharing.py runs it: 2-7% fewer nanoseconds per example). The unbatched kernel does not: there the
next example's rows are only ~300 ns away (an earlier measurement: -3% to -5% for skip-gram, +5% for CBOW).
What it does not do: read or change any value (a prefetch is only a hint: the results are the same with or without
it), check the index (the caller passes ids of rows that exist), or anything without numba (a plain function that
does nothing then).

    >>> import numpy as np
    >>> from numba import njit
    >>> @njit
    ... def first_after_prefetch(W, r):
    ...     prefetch_row(W, r)
    ...     return W[r, 0]
    >>> float(first_after_prefetch(np.arange(12, dtype=np.float32).reshape(3, 4), 2))
    8.0
"""

from __future__ import annotations

try:
    from llvmlite import ir
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False

LINE = 64   # bytes per cache line on x86-64 and most ARM cores


def prefetch_row(W, r):  # pragma: no cover - replaced by the intrinsic below when numba is there
    """Without numba: nothing to do."""


if HAVE_NUMBA:
    @intrinsic
    def prefetch_row(typingctx, W, r):  # noqa: F811 - the compiled version of the placeholder above
        def codegen(context, builder, signature, args):
            W_type, r_type = signature.args
            array = context.make_array(W_type)(context, builder, args[0])
            shape = cgutils.unpack_tuple(builder, array.shape)
            row = context.cast(builder, args[1], r_type, types.intp)
            zero = context.get_constant(types.intp, 0)
            start = cgutils.get_item_pointer2(context, builder, data=array.data, shape=shape,
                                              strides=cgutils.unpack_tuple(builder, array.strides),
                                              layout=W_type.layout, inds=[row, zero], boundscheck=False)
            byte = ir.IntType(8)
            start = builder.bitcast(start, byte.as_pointer())
            row_bytes = builder.mul(shape[1], context.get_constant(types.intp, W_type.dtype.bitwidth // 8))
            i32 = ir.IntType(32)
            fn = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), [byte.as_pointer(), i32, i32, i32]), "llvm.prefetch.p0")
            # (address, 0 = read, 3 = keep in all levels, 1 = data): the row's lines, and its last byte's
            with cgutils.for_range_slice(builder, zero, row_bytes, context.get_constant(types.intp, LINE),
                                         inc=True) as (offset, _):
                builder.call(fn, [builder.gep(start, [offset]), i32(0), i32(3), i32(1)])
            last = builder.sub(row_bytes, context.get_constant(types.intp, 1))
            builder.call(fn, [builder.gep(start, [last]), i32(0), i32(3), i32(1)])
            return context.get_dummy_value()
        return types.void(W, r), codegen
