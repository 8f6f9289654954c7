#ifndef KDELTA_CYAML_SHIM_H
#define KDELTA_CYAML_SHIM_H
// libyaml (Debian's libyaml-dev, yaml-0.1): the configuration file's parser. Imported only
// by KDeltaYAML.
#include <yaml.h>
#endif
