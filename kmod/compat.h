/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shims between the kernels clusterlb builds against.
 *
 * Every shim is keyed on a feature probe done by kmod/Kbuild (a grep of the
 * target kernel's headers turned into a -D define), never on
 * LINUX_VERSION_CODE, so that distribution backports are picked up.
 */
#ifndef _CLUSTERLB_COMPAT_H
#define _CLUSTERLB_COMPAT_H

/*
 * struct i2c_driver: until 6.5 the one-argument probe callback was called
 * .probe_new (.probe took a second, struct i2c_device_id, argument).
 */
#ifdef CLUSTERLB_HAVE_I2C_PROBE_NEW
#define CLUSTERLB_I2C_PROBE probe_new
#else
#define CLUSTERLB_I2C_PROBE probe
#endif

/* class_register() and device_create*() take a const struct class (6.4+). */
#ifdef CLUSTERLB_HAVE_CONST_CLASS
#define CLUSTERLB_CLASS_CONST const
#else
#define CLUSTERLB_CLASS_CONST
#endif

/*
 * Generic netlink dumps: the parsed request attributes moved into a
 * struct genl_info reached with genl_info_dump() (6.6+).
 */
#ifdef CLUSTERLB_HAVE_GENL_INFO_DUMP
#define clusterlb_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define clusterlb_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * Until 6.2 struct nla_policy points to a non-const range, while the
 * generated kmod/netlink/nl-gen.c (which Kbuild builds with this header
 * force-included) defines its range tables const. The kernel only reads
 * through the pointer.
 */
#ifndef CLUSTERLB_HAVE_CONST_NLA_RANGE
#include <net/netlink.h>
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

#endif /* _CLUSTERLB_COMPAT_H */
