// bridge-helper-floor: a benchmark reference, NOT a bridge helper. It does only the kernel work
// one successful invocation cannot avoid, with no checks, no ACL, no privilege handling and no
// messages: control socket, /dev/net/tun + TUNSETIFF (tap%d, vnet header), bridge MTU onto the
// tap, its MAC with first byte fe, its index, enslave, up, and the fd sent over --fd.
// scripts/bench builds it with `gcc -static -O2` and times it like the helpers, so the report
// shows how close a helper can get on this kernel. Never install it: it trusts its arguments
// completely.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int fd = -1;
    const char *bridge = NULL;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--fd=", 5) == 0) fd = atoi(argv[i] + 5);
        else if (strncmp(argv[i], "--br=", 5) == 0) bridge = argv[i] + 5;
    }
    if (fd < 0 || bridge == NULL || strlen(bridge) >= IFNAMSIZ) return 1;

    int control = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (control < 0 || tap < 0) return 1;

    struct ifreq tun = {0};
    strcpy(tun.ifr_name, "tap%d");
    tun.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(tap, TUNSETIFF, &tun) < 0) return 1;

    struct ifreq req = {0};
    strcpy(req.ifr_name, bridge);
    if (ioctl(control, SIOCGIFMTU, &req) < 0) return 1;
    int mtu = req.ifr_mtu;

    memset(&req, 0, sizeof req);
    memcpy(req.ifr_name, tun.ifr_name, IFNAMSIZ);
    req.ifr_mtu = mtu;
    if (ioctl(control, SIOCSIFMTU, &req) < 0) return 1;

    // The kernel's random MAC with its first byte raised, as every helper does.
    memset(&req, 0, sizeof req);
    memcpy(req.ifr_name, tun.ifr_name, IFNAMSIZ);
    if (ioctl(control, SIOCGIFHWADDR, &req) < 0) return 1;
    req.ifr_hwaddr.sa_data[0] = (char)0xfe;
    if (ioctl(control, SIOCSIFHWADDR, &req) < 0) return 1;

    memset(&req, 0, sizeof req);
    memcpy(req.ifr_name, tun.ifr_name, IFNAMSIZ);
    if (ioctl(control, SIOCGIFINDEX, &req) < 0) return 1;
    int index = req.ifr_ifindex;
    memset(&req, 0, sizeof req);
    strcpy(req.ifr_name, bridge);
    req.ifr_ifindex = index;
    if (ioctl(control, SIOCBRADDIF, &req) < 0) return 1;

    memset(&req, 0, sizeof req);
    memcpy(req.ifr_name, tun.ifr_name, IFNAMSIZ);
    req.ifr_flags = IFF_UP;
    if (ioctl(control, SIOCSIFFLAGS, &req) < 0) return 1;

    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control_message = {0};
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = control_message.space, .msg_controllen = sizeof control_message.space};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &tap, sizeof tap);
    return sendmsg(fd, &message, 0) == 1 ? 0 : 1;
}
