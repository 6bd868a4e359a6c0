// Training a model from scratch on an image set (SGD with momentum, cosine or step
// schedule, optional crop-and-flip augmentation), with validation after each epoch.

#include "engine/torch_model.h"
#include "net/bn_relu.h"

#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/random.h"
#include "resnext/validate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace resnext {

TrainResult TorchEngine::train(const TrainOptions &o, const ImageSet &trainSet, const ImageSet &valSet,
                               const std::vector<std::string> &labels,
                               const std::function<bool(const TrainProgress &)> &progress)
{
    checkBuildable(o.spec);
    validateTrainOptions(o);
    const ArchSpec &spec = o.spec;
    if (trainSet.count() == 0)
        throw Error("train: the training set is empty");
    if (trainSet.height != spec.inputSize || trainSet.width != spec.inputSize)
        throw Error("input: the data is " + std::to_string(trainSet.width) + "x" + std::to_string(trainSet.height) +
                    " but the model's input is " + std::to_string(spec.inputSize) + "; use --input " +
                    std::to_string(trainSet.width));
    if (trainSet.channels != spec.inChannels)
        throw Error("channels: the data has " + std::to_string(trainSet.channels) + " channel(s) but the model takes " +
                    std::to_string(spec.inChannels) + "; use --channels " + std::to_string(trainSet.channels));
    if (static_cast<int>(labels.size()) != spec.numClasses)
        throw Error("classes: the data has " + std::to_string(labels.size()) + " classes but the model has " +
                    std::to_string(spec.numClasses) + "; use --classes " + std::to_string(labels.size()));
    const torch::Device device = parseDevice(o.device);

    return guarded("train", [&] {
        const auto start = Clock::now();
        torch::manual_seed(o.seed);
        SeededRandom rng(o.seed);
        ModelInfo info;
        info.spec = spec;
        info.labels = labels;
        info.preprocessing = defaultPreprocessing(spec);
        // Normalise with the training data's own statistics.
        {
            double sum = 0, sq = 0;
            const size_t n = trainSet.pixels.size();
            for (std::uint8_t v : trainSet.pixels) {
                sum += v;
                sq += static_cast<double>(v) * v;
            }
            const double mean = sum / n / 255.0;
            const double var = sq / n / (255.0 * 255.0) - mean * mean;
            info.preprocessing.mean.assign(static_cast<size_t>(spec.inChannels), static_cast<float>(mean));
            info.preprocessing.std.assign(static_cast<size_t>(spec.inChannels),
                                          static_cast<float>(std::sqrt(std::max(var, 1e-6))));
        }
        info.source = "trained";
        ResNet net = buildModel(spec);
        net->to(device);
        // NHWC is what oneDNN's CPU convolutions want: about 1.7x faster training here.
        setLayout(net, at::MemoryFormat::ChannelsLast);
        torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(o.learningRate)
                                                     .momentum(o.momentum)
                                                     .weight_decay(o.weightDecay)
                                                     .nesterov(o.momentum > 0));
        const size_t n = o.limitTrain ? std::min(o.limitTrain, trainSet.count()) : trainSet.count();
        std::vector<size_t> all(n);
        std::iota(all.begin(), all.end(), 0);
        auto data = batchFromPixels(trainSet, all, info.preprocessing); // N x C x H x W, normalised
        auto targets = torch::from_blob(const_cast<int64_t *>(trainSet.labels.data()), {static_cast<int64_t>(n)},
                                        torch::kLong)
                           .clone();
        const size_t steps = (n + static_cast<size_t>(o.batch) - 1) / static_cast<size_t>(o.batch);
        const size_t totalSteps = steps * static_cast<size_t>(o.epochs);
        const int pad = 2;
        const float padValue = -info.preprocessing.mean[0] / info.preprocessing.std[0]; // a black pixel
        TrainResult result;
        size_t globalStep = 0;
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        for (int epoch = 1; epoch <= o.epochs; ++epoch) {
            net->train();
            const auto epochStart = Clock::now();
            rng.shuffle(order);
            double correct = 0, seen = 0;
            TrainProgress p;
            p.epoch = epoch;
            p.epochs = o.epochs;
            p.steps = steps;
            for (size_t step = 0; step < steps; ++step, ++globalStep) {
                const size_t b0 = step * static_cast<size_t>(o.batch);
                const size_t b1 = std::min(n, b0 + static_cast<size_t>(o.batch));
                std::vector<int64_t> idx(order.begin() + static_cast<long>(b0), order.begin() + static_cast<long>(b1));
                auto index = torch::from_blob(idx.data(), {static_cast<int64_t>(idx.size())}, torch::kLong).clone();
                torch::Tensor x;
                if (o.augment) {
                    // Random crop with `pad` pixels of padding and a horizontal flip,
                    // written straight into the batch (a per-sample tensor op costs more
                    // than the arithmetic).
                    const int h = spec.inputSize, ch = spec.inChannels;
                    x = torch::empty({static_cast<int64_t>(idx.size()), ch, h, h});
                    float *dst = x.data_ptr<float>();
                    const float *src = data.data_ptr<float>();
                    const size_t plane = static_cast<size_t>(h) * h;
                    for (size_t i = 0; i < idx.size(); ++i) {
                        const int dy = rng.between(-pad, pad), dx = rng.between(-pad, pad);
                        const bool f = rng.coin();
                        for (int c = 0; c < ch; ++c) {
                            const float *s = src + (static_cast<size_t>(idx[i]) * ch + c) * plane;
                            float *d = dst + (i * ch + c) * plane;
                            for (int y = 0; y < h; ++y)
                                for (int xx = 0; xx < h; ++xx) {
                                    const int sy = y + dy, sx = (f ? h - 1 - xx : xx) + dx;
                                    d[y * h + xx] = sy >= 0 && sy < h && sx >= 0 && sx < h ? s[sy * h + sx] : padValue;
                                }
                        }
                    }
                } else {
                    x = data.index_select(0, index);
                }
                auto y = targets.index_select(0, index);
                // NHWC strides even for one channel (Fashion-MNIST): with NCHW strides the stem and
                // layer1.0 ran NCHW, on ATen's BatchNorm, and the backward mixed layouts (0.8x PyTorch).
                x = detail::toChannelsLast(x);
                // Cosine (or step) schedule, set per step.
                const double t = static_cast<double>(globalStep) / static_cast<double>(totalSteps);
                const double lr = o.schedule == TrainOptions::Schedule::Cosine
                                      ? o.learningRate * 0.5 * (1.0 + std::cos(M_PI * t))
                                      : o.learningRate * std::pow(0.1, std::floor(t * 3.0));
                for (auto &group : opt.param_groups())
                    static_cast<torch::optim::SGDOptions &>(group.options()).lr(lr);
                x = x.to(device);
                y = y.to(device);
                opt.zero_grad();
                auto logits = net->forward(x);
                auto loss = torch::nn::functional::cross_entropy(logits, y);
                loss.backward();
                opt.step();
                correct += logits.argmax(1).eq(y).sum().item<double>();
                seen += static_cast<double>(idx.size());
                p.step = step + 1;
                p.loss = loss.item<double>();
                // A NaN or infinite loss poisons every weight at the next step: stop
                // rather than train on and save an all-NaN checkpoint.
                if (!std::isfinite(p.loss))
                    throw Error("train: the loss became " + std::string(std::isnan(p.loss) ? "NaN" : "infinite") +
                                " at epoch " + std::to_string(epoch) + ", step " + std::to_string(step + 1) +
                                "; lower --lr or --wd");
                p.imagesPerSecond = seen / (msSince(epochStart) / 1000.0);
                if (progress && !progress(p))
                    throw Cancelled();
            }
            p.trainAccuracy = correct / seen;
            p.epochSeconds = msSince(epochStart) / 1000.0;
            TorchModel probe(info, net, device);
            probe.setInferencePath(InferencePath::Plain); // the training's own modules, no folding per epoch
            if (valSet.count()) {
                auto r = probe.evaluate(valSet, kEvalBatch, {});
                p.valAccuracy = r.accuracy();
            }
            net->train();
            result.epochs.push_back(p);
            if (progress && !progress(p))
                throw Cancelled();
        }
        net->eval();
        result.model = std::unique_ptr<Model>(new TorchModel(info, net, device));
        // Out-of-distribution statistics: fitted on what the model trained on, threshold on validation.
        // A slice too small to hold every class gets none; the model itself is fine.
        if (valSet.count()) {
            try {
                result.ood = result.model->calibrateOod(n == trainSet.count() ? trainSet : subset(trainSet, all), valSet);
            } catch (const Cancelled &) {
                throw;
            } catch (const Error &) {
            }
        }
        result.seconds = msSince(start) / 1000.0;
        return result;
    });
}

} // namespace resnext
