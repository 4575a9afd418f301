#define _GNU_SOURCE
#include "CBridgeShim.h"

#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <unistd.h>

const unsigned long sbh_TUNSETIFF = TUNSETIFF;
const unsigned long sbh_TUNGETIFF = TUNGETIFF;
const unsigned long sbh_TUNGETFEATURES = TUNGETFEATURES;
const unsigned long sbh_TUNSETOWNER = TUNSETOWNER;
const unsigned long sbh_TUNSETGROUP = TUNSETGROUP;
const unsigned long sbh_TUNSETPERSIST = TUNSETPERSIST;
const unsigned long sbh_SIOCGIFMTU = SIOCGIFMTU;
const unsigned long sbh_SIOCSIFMTU = SIOCSIFMTU;
const unsigned long sbh_SIOCGIFHWADDR = SIOCGIFHWADDR;
const unsigned long sbh_SIOCSIFHWADDR = SIOCSIFHWADDR;
const unsigned long sbh_SIOCGIFINDEX = SIOCGIFINDEX;
const unsigned long sbh_SIOCGIFFLAGS = SIOCGIFFLAGS;
const unsigned long sbh_SIOCSIFFLAGS = SIOCSIFFLAGS;
const unsigned long sbh_SIOCBRADDIF = SIOCBRADDIF;
const unsigned long sbh_SIOCETHTOOL = SIOCETHTOOL;
const uint32_t sbh_ETHTOOL_GDRVINFO = ETHTOOL_GDRVINFO;
const short sbh_IFF_TAP = IFF_TAP;
const short sbh_IFF_NO_PI = IFF_NO_PI;
const short sbh_IFF_VNET_HDR = IFF_VNET_HDR;
const short sbh_IFF_MULTI_QUEUE = IFF_MULTI_QUEUE;
const short sbh_IFF_UP = IFF_UP;
const int sbh_O_PATH = O_PATH;
const int sbh_PR_SET_NO_NEW_PRIVS = PR_SET_NO_NEW_PRIVS;
const int sbh_PR_GET_NO_NEW_PRIVS = PR_GET_NO_NEW_PRIVS;
const int sbh_PR_SET_DUMPABLE = PR_SET_DUMPABLE;
const int sbh_PR_GET_DUMPABLE = PR_GET_DUMPABLE;
const int sbh_PR_SET_KEEPCAPS = PR_SET_KEEPCAPS;
const int sbh_SO_PEERGROUPS = SO_PEERGROUPS;

const int sbh_NETLINK_ROUTE = NETLINK_ROUTE;
const uint16_t sbh_RTM_GETLINK = RTM_GETLINK;
const uint16_t sbh_RTM_SETLINK = RTM_SETLINK;
const uint16_t sbh_RTM_DELLINK = RTM_DELLINK;
const uint16_t sbh_NLMSG_ERROR = NLMSG_ERROR;
const uint16_t sbh_NLMSG_DONE = NLMSG_DONE;
const uint16_t sbh_NLM_F_DUMP = NLM_F_DUMP;
const uint16_t sbh_NLM_F_DUMP_INTR = NLM_F_DUMP_INTR;
const uint16_t sbh_IFLA_MASTER = IFLA_MASTER;
const uint16_t sbh_IFLA_IFALIAS = IFLA_IFALIAS;
const uint16_t sbh_IFLA_INFO_KIND = IFLA_INFO_KIND;
const uint16_t sbh_IFLA_TUN_OWNER = IFLA_TUN_OWNER;
const uint16_t sbh_IFLA_TUN_GROUP = IFLA_TUN_GROUP;
const uint16_t sbh_IFLA_TUN_TYPE = IFLA_TUN_TYPE;
const uint16_t sbh_IFLA_TUN_PERSIST = IFLA_TUN_PERSIST;
const uint16_t sbh_NLM_F_REQUEST = NLM_F_REQUEST;
const uint16_t sbh_NLM_F_ACK = NLM_F_ACK;
const uint16_t sbh_NLA_F_NESTED = NLA_F_NESTED;
const uint16_t sbh_NLA_TYPE_MASK = (uint16_t)NLA_TYPE_MASK;  // ~(NESTED | NET_BYTEORDER) as an int: 0x3fff
const uint16_t sbh_IFLA_IFNAME = IFLA_IFNAME;
const uint16_t sbh_IFLA_PROP_LIST = IFLA_PROP_LIST;
const uint16_t sbh_IFLA_ALT_IFNAME = IFLA_ALT_IFNAME;
const uint16_t sbh_IFLA_LINKINFO = IFLA_LINKINFO;
const uint16_t sbh_IFLA_INFO_DATA = IFLA_INFO_DATA;
const uint16_t sbh_IFLA_BR_VLAN_FILTERING = IFLA_BR_VLAN_FILTERING;
const uint16_t sbh_IFLA_BR_VLAN_DEFAULT_PVID = IFLA_BR_VLAN_DEFAULT_PVID;
const uint16_t sbh_IFLA_AF_SPEC = IFLA_AF_SPEC;
const uint16_t sbh_IFLA_PROTINFO = IFLA_PROTINFO;
const uint16_t sbh_IFLA_BRPORT_ISOLATED = IFLA_BRPORT_ISOLATED;
const uint16_t sbh_IFLA_BRIDGE_VLAN_INFO = IFLA_BRIDGE_VLAN_INFO;
const uint16_t sbh_BRIDGE_VLAN_INFO_PVID = BRIDGE_VLAN_INFO_PVID;
const uint16_t sbh_BRIDGE_VLAN_INFO_UNTAGGED = BRIDGE_VLAN_INFO_UNTAGGED;
const int sbh_NLMSG_ALIGNTO = NLMSG_ALIGNTO;
const int sbh_NLA_ALIGNTO = NLA_ALIGNTO;

int sbh_ioctl(int fd, unsigned long request, void *argument) { return ioctl(fd, request, argument); }
int sbh_ioctl_value(int fd, unsigned long request, unsigned long value) { return ioctl(fd, request, value); }
int sbh_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) {
    return prctl(option, a2, a3, a4, a5);
}

int sbh_getresuid(uid_t *r, uid_t *e, uid_t *s) { return getresuid(r, e, s); }
int sbh_getresgid(gid_t *r, gid_t *e, gid_t *s) { return getresgid(r, e, s); }
int sbh_setresuid(uid_t r, uid_t e, uid_t s) { return setresuid(r, e, s); }
int sbh_setresgid(gid_t r, gid_t e, gid_t s) { return setresgid(r, e, s); }
int sbh_accept_cloexec(int fd) { return accept4(fd, NULL, NULL, SOCK_CLOEXEC); }

int sbh_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred credentials = {0};
    socklen_t length = sizeof credentials;
    int result = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length);
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return result;
}

size_t sbh_cmsg_space(size_t length) { return CMSG_SPACE(length); }
size_t sbh_cmsg_len(size_t length) { return CMSG_LEN(length); }
struct cmsghdr *sbh_cmsg_firsthdr(struct msghdr *message) { return CMSG_FIRSTHDR(message); }
struct cmsghdr *sbh_cmsg_nxthdr(struct msghdr *message, struct cmsghdr *header) {
    return CMSG_NXTHDR(message, header);
}
unsigned char *sbh_cmsg_data(struct cmsghdr *header) { return CMSG_DATA(header); }
