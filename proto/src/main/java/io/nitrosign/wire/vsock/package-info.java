/**
 * Our own thin AF_VSOCK support on junixsocket-common and its native library: a NIO selector
 * provider and the socket classes behind it. Only {@link io.nitrosign.wire.vsock.VsockSelectorProvider}
 * is public; the wire transport uses it for {@code vsock:} addresses.
 */
package io.nitrosign.wire.vsock;
