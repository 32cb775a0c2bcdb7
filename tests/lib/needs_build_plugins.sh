#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Stands in for tests/ldap/with-slapd.sh, and for the local-user test, in a
# build whose plugin directory is not its own plugins/ (a plain `meson
# setup`, a package build): the directory store backend those tests load is
# then looked for where it would be installed, and is not there.
echo "SKIP: the directory store backend is loaded from the plugin directory, which this" \
	"build does not hold; configure with -Dplugin_dir=BUILD/plugins to run this test" \
	"(tools/test.sh does)"
exit 77
