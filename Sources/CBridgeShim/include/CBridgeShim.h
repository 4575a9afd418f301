// The C shim of swift-bridge-helper: constants, struct layouts and calls that Swift cannot
// express (ioctl request numbers, variadic functions, CMSG_* macros, GNU-only declarations).
// Every symbol is prefixed sbh_. There is no logic here: each function is one call.
#ifndef CBRIDGESHIM_H
#define CBRIDGESHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <sys/xattr.h>
#include <netinet/in.h>  // before the linux/ headers below, so that linux/in6.h defers to it
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_bridge.h>

// ioctl request numbers and flags (macros built from _IOR/_IOW, invisible to Swift).
extern const unsigned long sbh_TUNSETIFF;
extern const unsigned long sbh_TUNGETIFF;
extern const unsigned long sbh_TUNGETFEATURES;
extern const unsigned long sbh_TUNSETOWNER;
extern const unsigned long sbh_TUNSETGROUP;
extern const unsigned long sbh_TUNSETPERSIST;
extern const unsigned long sbh_SIOCGIFMTU;
extern const unsigned long sbh_SIOCSIFMTU;
extern const unsigned long sbh_SIOCGIFHWADDR;
extern const unsigned long sbh_SIOCSIFHWADDR;
extern const unsigned long sbh_SIOCGIFINDEX;
extern const unsigned long sbh_SIOCGIFFLAGS;
extern const unsigned long sbh_SIOCSIFFLAGS;
extern const unsigned long sbh_SIOCBRADDIF;
extern const unsigned long sbh_SIOCETHTOOL;
extern const uint32_t sbh_ETHTOOL_GDRVINFO;
extern const short sbh_IFF_TAP;
extern const short sbh_IFF_NO_PI;
extern const short sbh_IFF_VNET_HDR;
extern const short sbh_IFF_MULTI_QUEUE;
extern const short sbh_IFF_UP;
extern const int sbh_O_PATH;  // needs _GNU_SOURCE
extern const int sbh_PR_SET_NO_NEW_PRIVS;
extern const int sbh_PR_GET_NO_NEW_PRIVS;
extern const int sbh_PR_SET_DUMPABLE;
extern const int sbh_PR_GET_DUMPABLE;
extern const int sbh_PR_SET_KEEPCAPS;
extern const int sbh_SO_PEERGROUPS;

// rtnetlink (bridge VLANs and port isolation): message types, flags and attribute numbers.
// The structs (nlmsghdr, nlmsgerr, ifinfomsg, nlattr, bridge_vlan_info) come from the headers.
extern const int sbh_NETLINK_ROUTE;
extern const uint16_t sbh_RTM_GETLINK;
extern const uint16_t sbh_RTM_SETLINK;
extern const uint16_t sbh_RTM_DELLINK;
extern const uint16_t sbh_NLMSG_ERROR;
extern const uint16_t sbh_NLMSG_DONE;
extern const uint16_t sbh_NLM_F_DUMP;
extern const uint16_t sbh_NLM_F_DUMP_INTR;
extern const uint16_t sbh_IFLA_MASTER;
extern const uint16_t sbh_IFLA_IFALIAS;
extern const uint16_t sbh_IFLA_INFO_KIND;
extern const uint16_t sbh_IFLA_TUN_OWNER;
extern const uint16_t sbh_IFLA_TUN_GROUP;
extern const uint16_t sbh_IFLA_TUN_TYPE;
extern const uint16_t sbh_IFLA_TUN_PERSIST;
extern const uint16_t sbh_NLM_F_REQUEST;
extern const uint16_t sbh_NLM_F_ACK;
extern const uint16_t sbh_NLA_F_NESTED;
extern const uint16_t sbh_NLA_TYPE_MASK;
extern const uint16_t sbh_IFLA_IFNAME;
extern const uint16_t sbh_IFLA_PROP_LIST;
extern const uint16_t sbh_IFLA_ALT_IFNAME;
extern const uint16_t sbh_IFLA_LINKINFO;
extern const uint16_t sbh_IFLA_INFO_DATA;
extern const uint16_t sbh_IFLA_BR_VLAN_FILTERING;
extern const uint16_t sbh_IFLA_BR_VLAN_DEFAULT_PVID;
extern const uint16_t sbh_IFLA_AF_SPEC;
extern const uint16_t sbh_IFLA_PROTINFO;
extern const uint16_t sbh_IFLA_BRPORT_ISOLATED;
extern const uint16_t sbh_IFLA_BRIDGE_VLAN_INFO;
extern const uint16_t sbh_BRIDGE_VLAN_INFO_PVID;
extern const uint16_t sbh_BRIDGE_VLAN_INFO_UNTAGGED;
extern const int sbh_NLMSG_ALIGNTO;
extern const int sbh_NLA_ALIGNTO;

// Variadic C functions, called with exactly one argument shape each.
int sbh_ioctl(int fd, unsigned long request, void *argument);
// TUNSETOWNER and TUNSETGROUP take the id itself, not a pointer to it.
int sbh_ioctl_value(int fd, unsigned long request, unsigned long value);
int sbh_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);

// GNU-only declarations (need _GNU_SOURCE, which only the .c file defines).
int sbh_getresuid(uid_t *r, uid_t *e, uid_t *s);
int sbh_getresgid(gid_t *r, gid_t *e, gid_t *s);
int sbh_setresuid(uid_t r, uid_t e, uid_t s);
int sbh_setresgid(gid_t r, gid_t e, gid_t s);
// accept4 with SOCK_CLOEXEC, the peer's address not wanted.
int sbh_accept_cloexec(int fd);

// SO_PEERCRED's struct ucred (needs _GNU_SOURCE): the peer's pid, uid and gid as the kernel recorded them.
int sbh_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

// SCM_RIGHTS control-message layout (CMSG_* are macros).
size_t sbh_cmsg_space(size_t length);
size_t sbh_cmsg_len(size_t length);
struct cmsghdr *sbh_cmsg_firsthdr(struct msghdr *message);
struct cmsghdr *sbh_cmsg_nxthdr(struct msghdr *message, struct cmsghdr *header);
unsigned char *sbh_cmsg_data(struct cmsghdr *header);

#endif
