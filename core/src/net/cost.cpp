#include "resnext/cost.h"

#include "plan_walk.h"
#include "resnext/error.h"
#include "resnext/validate.h"

#include <algorithm>

namespace resnext {

namespace {

using detail::checkedAdd;
using detail::checkedMul;
using i64 = std::int64_t;

i64 inputElements(const LayerInfo &l) { return checkedMul(l.inChannels, i64(l.inHeight) * l.inHeight); }
i64 outputElements(const LayerInfo &l) { return checkedMul(l.channels, i64(l.height) * l.width); }

} // namespace

void validate(const CostOptions &o)
{
    if (o.batch < 1 || o.batch > kMaxBatch)
        throw SpecError("batch", "batch: must be between 1 and " + std::to_string(kMaxBatch) + " (got " +
                                     std::to_string(o.batch) + ")");
    if (o.bytesPerElement != 2 && o.bytesPerElement != 4 && o.bytesPerElement != 8)
        throw SpecError("dtype", "dtype: bytes per element must be 2, 4 or 8 (got " +
                                     std::to_string(o.bytesPerElement) + ")");
}

int parseDtype(const std::string &text)
{
    if (text == "fp32" || text == "float32")
        return 4;
    if (text == "fp16" || text == "bf16" || text == "float16" || text == "bfloat16")
        return 2;
    if (text == "fp64" || text == "float64")
        return 8;
    throw SpecError("dtype", "dtype: unknown value '" + text + "'; use fp32, fp16, bf16 or fp64");
}

MemoryAccess memoryAccess(const LayerInfo &l, const CostOptions &o)
{
    const i64 n = o.batch, e = o.bytesPerElement;
    const i64 in = checkedMul(n, inputElements(l)), out = checkedMul(n, outputElements(l));
    i64 readElems = in, weightElems = 0;
    if (l.weighted())
        weightElems = l.params;
    else if (l.kind == LayerKind::BatchNorm)
        weightElems = 4 * i64(l.channels); // weight, bias, running mean, running var
    else if (l.kind == LayerKind::Add)
        readElems = checkedMul(in, 2); // the main path and the shortcut
    MemoryAccess m;
    m.read = checkedMul(checkedAdd(readElems, weightElems), e);
    m.written = checkedMul(out, e);
    return m;
}

double arithmeticIntensity(const LayerInfo &l, const CostOptions &o)
{
    const i64 bytes = memoryAccess(l, o).total();
    return bytes > 0 && l.macs > 0 ? static_cast<double>(l.macs) * o.batch / static_cast<double>(bytes) : 0.0;
}

CostAccumulator::CostAccumulator(int stages, const CostOptions &options)
    : m_options(options), m_stageBytes(static_cast<size_t>(std::max(0, stages)), 0)
{
    validate(options);
}

void CostAccumulator::add(const LayerInfo &l)
{
    const i64 bytes = memoryAccess(l, m_options).total();
    m_bytes = checkedAdd(m_bytes, bytes);
    if (l.stage >= 0 && static_cast<size_t>(l.stage) < m_stageBytes.size())
        m_stageBytes[static_cast<size_t>(l.stage)] += bytes;

    const i64 in = inputElements(l), out = outputElements(l);
    m_params = checkedAdd(m_params, l.params);
    m_weights = checkedAdd(m_weights, l.params);
    if (l.kind == LayerKind::BatchNorm)
        m_weights = checkedAdd(m_weights, 2 * i64(l.channels)); // running mean and var (buffers)
    if (m_input == 0)
        m_input = in; // the first layer reads the image

    // The live set while this layer runs (forward; the backward mirrors it).
    const bool inBlock = l.block >= 0;
    if (inBlock && (l.stage != m_stage || l.block != m_block)) {
        m_stage = l.stage;
        m_block = l.block;
        m_blockIn = in;
        m_firstInBlock = true;
        m_mainOut = 0;
    } else {
        m_firstInBlock = false;
    }
    const bool inPlace = l.kind == LayerKind::ReLU || l.kind == LayerKind::Add; // torchvision's relu_() and out += identity
    i64 live = inPlace ? (l.kind == LayerKind::Add ? 2 * in : in) : in + out;
    if (inBlock && !m_firstInBlock && l.kind != LayerKind::Add) {
        // The downsample runs after the main path (a conv right after bn3 that
        // reads the block input): the main path's output waits meanwhile.
        if (l.kind == LayerKind::Conv && m_lastWasBatchNorm && in == m_blockIn)
            m_mainOut = m_lastOut;
        if (l.kind == LayerKind::Conv && m_mainOut != 0 && in == m_blockIn)
            live += m_mainOut; // its input is the block input itself
        else
            live += m_blockIn + m_mainOut; // the block input, held for the shortcut
    }
    if (l.kind == LayerKind::Add)
        m_mainOut = 0;
    m_lastWasBatchNorm = l.kind == LayerKind::BatchNorm;
    m_peakLive = std::max(m_peakLive, live);
    m_lastOut = out;

    // Saved for backward.
    if (l.kind == LayerKind::Conv) {
        m_saved = checkedAdd(m_saved, out); // BN's input
        m_gradients = checkedAdd(m_gradients, out);
    }
    else if (l.kind == LayerKind::ReLU)
        m_saved = checkedAdd(m_saved, out); // the next conv's input and relu's own result
    else if (l.kind == LayerKind::BatchNorm)
        m_saved = checkedAdd(m_saved, 2 * i64(l.channels)); // save_mean, save_invstd
    else if (l.kind == LayerKind::MaxPool) {
        m_saved = checkedAdd(m_saved, out);
        m_indices = checkedAdd(m_indices, out);
    } else if (l.kind == LayerKind::Linear)
        m_saved = checkedAdd(m_saved, in);
}

MemoryEstimate CostAccumulator::inference() const
{
    const i64 n = m_options.batch, e = m_options.bytesPerElement;
    MemoryEstimate m;
    m.weights = checkedMul(m_weights, e);
    m.activations = checkedMul(checkedMul(checkedAdd(m_input, m_peakLive), n), e);
    return m;
}

MemoryEstimate CostAccumulator::training() const
{
    const i64 n = m_options.batch, e = m_options.bytesPerElement;
    MemoryEstimate m;
    m.weights = checkedMul(m_weights, e);
    m.gradients = checkedMul(m_params, e);
    m.optimizer = checkedMul(m_params, e);
    m.activations = checkedAdd(checkedMul(checkedMul(checkedAdd(m_input, m_saved), n), e),
                               checkedMul(checkedMul(m_indices, n), 8));
    m.workspace = checkedMul(checkedMul(m_gradients, n), e);
    return m;
}

} // namespace resnext
