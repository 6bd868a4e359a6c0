#pragma once
// A camera for tests (core's and the window's): it delivers `frames` 28x28 grey
// frames, `interval` apart, then vanishes as an unplugged camera does.
#include "resnext/error.h"
#include "resnext/video.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

class VanishingCamera : public resnext::VideoSource {
public:
    explicit VanishingCamera(int frames, std::chrono::milliseconds interval = std::chrono::milliseconds(0))
        : m_left(frames), m_interval(interval)
    {
    }
    std::string name() const override { return "camera 7 (/dev/video7)"; }
    bool isCamera() const override { return true; }
    double fps() const override { return 30; }
    std::int64_t frameCount() const override { return -1; }
    bool read(resnext::VideoFrame &f) override
    {
        if (m_interval.count() > 0)
            std::this_thread::sleep_for(m_interval);
        if (m_left-- <= 0)
            throw resnext::Error(name() + ": stopped delivering frames (disconnected, or taken by another program)");
        f.index = m_next++;
        f.captured = resnext::VideoClock::now();
        f.image.width = f.image.height = 28;
        f.image.pixels.assign(28 * 28 * 3, static_cast<std::uint8_t>(20 * f.index));
        return true;
    }
    bool rewind() override { return false; }

private:
    int m_left;
    std::chrono::milliseconds m_interval;
    std::int64_t m_next = 0;
};
