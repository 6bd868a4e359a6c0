// A slider tick to a fully repainted window: move C by one step and repaint
// the whole window synchronously (counts, both charts, diagram, table), per
// preset. Runs offscreen; prints medians and the worst preset.
#include "median.h"

#include "architecturepanel.h"
#include "mainwindow.h"

#include "resnext/spec.h"

#include <QApplication>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>

#include <cstdio>

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int runs = argc > 1 ? std::atoi(argv[1]) : 40;
    QTemporaryDir dir;
    MainWindow w(dir.filePath("bench.ini"));
    w.resize(1600, 1000);
    w.show();
    QApplication::processEvents();
    auto *tabs = w.findChild<QTabWidget *>("tabs");
    QSlider *c = w.architecturePanel()->cardinalitySlider();
    double worst = 0;
    std::string worstName;
    std::printf("%-20s %-12s %10s %10s\n", "preset", "tab", "median", "max");
    for (const auto &p : resnext::presets()) {
        w.applySpec(p.spec);
        for (int tab = 0; tab < tabs->count(); ++tab) {
            tabs->setCurrentIndex(tab);
            QApplication::processEvents();
            const int base = std::max(1, p.spec.cardinality);
            const auto t = timesMs(runs, [&](int i) {
                if (c->isEnabled())
                    c->setValue(i % 2 ? base : (base < 64 ? base + 1 : base - 1)); // one tick
                else
                    w.applySpec(p.spec); // basic blocks: C is fixed; time a full refresh instead
                w.repaint();             // synchronous full repaint
            });
            const double m = median(t);
            std::printf("%-20s %-12s %7.2f ms %7.2f ms\n", p.name.c_str(),
                        tabs->tabText(tab).remove('&').toStdString().c_str(), m, *std::max_element(t.begin(), t.end()));
            if (m > worst) {
                worst = m;
                worstName = p.name + " / " + tabs->tabText(tab).remove('&').toStdString();
            }
        }
    }
    std::printf("\nworst median: %.2f ms (%s); budget 16 ms per tick\n", worst, worstName.c_str());
    return 0;
}
