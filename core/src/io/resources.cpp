// Embeds resources/ files into the binary with the assembler's .incbin, so the
// app works from any folder with no installation step (paths come from CMake).
#include "resources.h"

#include "resnext/engine.h"

#include <sstream>

#define RESNEXT_INCBIN(name, file)                                                                                     \
    asm(".section .rodata\n"                                                                                           \
        ".global " #name "_start\n"                                                                                    \
        ".balign 16\n" #name "_start:\n"                                                                               \
        ".incbin \"" file "\"\n"                                                                                       \
        ".global " #name "_end\n" #name "_end:\n"                                                                      \
        ".byte 0\n"                                                                                                    \
        ".previous\n");                                                                                                \
    extern "C" const char name##_start[];                                                                              \
    extern "C" const char name##_end[];

RESNEXT_INCBIN(resnext_imagenet_classes, RESNEXT_IMAGENET_CLASSES_FILE)
#ifdef RESNEXT_BUILTIN_MODEL_FILE
RESNEXT_INCBIN(resnext_builtin_model, RESNEXT_BUILTIN_MODEL_FILE)
#endif

namespace resnext {

std::string_view builtinModelBytes()
{
#ifdef RESNEXT_BUILTIN_MODEL_FILE
    return {resnext_builtin_model_start, static_cast<size_t>(resnext_builtin_model_end - resnext_builtin_model_start)};
#else
    return {};
#endif
}

const std::vector<std::string> &imagenetClasses()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        std::istringstream in(std::string(resnext_imagenet_classes_start,
                                          static_cast<size_t>(resnext_imagenet_classes_end - resnext_imagenet_classes_start)));
        std::string line;
        while (std::getline(in, line))
            if (!line.empty())
                out.push_back(line);
        return out;
    }();
    return names;
}

} // namespace resnext
