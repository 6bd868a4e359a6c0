#pragma once
// The real resnext-explorer executable as a process, for the tests of the
// command line (RESNEXT_EXE is defined by tests/CMakeLists.txt).

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

struct Result {
    int code = -1; // exit code; -1 when the process crashed or did not finish
    QString out;
    QString err;
};

inline Result run(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(RESNEXT_EXE), args);
    p.waitForFinished(600000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// Runs `args` and checks a refusal: exit code 2 and `message` as the last line
// of standard error (a Qt Test check: call it last in a test function).
inline void expectRefused(const QStringList &args, const QString &message)
{
    const Result r = run(args);
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err.trimmed().split('\n').last(), message);
}
