#include "cli_progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>

namespace cli {

namespace {

bool g_quiet = false;
bool g_lineOpen = false; // a \r line is on the terminal without its newline

bool onTerminal()
{
    static const bool tty = isatty(STDERR_FILENO) == 1;
    return tty;
}

} // namespace

std::string clockText(double seconds)
{
    const long s = static_cast<long>(std::max(0.0, seconds) + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

Progress::Progress() : m_start(std::chrono::steady_clock::now()) {}

Progress::~Progress() { end(); }

void Progress::setQuiet(bool quiet) { g_quiet = quiet; }

bool Progress::quiet() { return g_quiet; }

void Progress::endLine()
{
    if (g_lineOpen) {
        std::cerr << "\n" << std::flush;
        g_lineOpen = false;
    }
}

void Progress::end() { endLine(); }

void Progress::note(const std::string &text)
{
    endLine();
    std::cerr << text << "\n" << std::flush;
}

void Progress::update(double fraction, const std::string &text)
{
    if (g_quiet)
        return;
    fraction = std::clamp(fraction, 0.0, 1.0);
    const auto now = std::chrono::steady_clock::now();
    if (fraction < m_lastFraction || m_lastFraction < 0) {
        m_start = now;
        m_lastTenth = -1;
    }
    m_lastFraction = fraction;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    std::string left;
    if (fraction > 0.01 && fraction < 1 && elapsed >= 1) // before a second the rate means nothing
        left = ", " + clockText(elapsed / fraction - elapsed) + " left";
    if (!onTerminal()) {
        const int tenth = static_cast<int>(fraction * 10);
        if (tenth == m_lastTenth)
            return;
        m_lastTenth = tenth;
        std::cerr << std::setw(3) << static_cast<int>(fraction * 100) << "% " << text << left << "\n" << std::flush;
        return;
    }
    // At most ~20 redraws a second, and always the last one.
    if (fraction < 1 && now - m_lastDraw < std::chrono::milliseconds(50))
        return;
    m_lastDraw = now;
    const int width = 28;
    const int filled = static_cast<int>(fraction * width);
    std::string bar = "\r[";
    for (int i = 0; i < width; ++i)
        bar += i < filled ? '=' : (i == filled ? '>' : ' ');
    std::cerr << bar << "] " << std::setw(3) << static_cast<int>(fraction * 100) << "% " << text << left
              << "\x1b[K" << std::flush; // erase what a longer line before left
    g_lineOpen = true;
}

} // namespace cli
