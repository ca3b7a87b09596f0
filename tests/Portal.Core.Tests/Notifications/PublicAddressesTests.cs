namespace Portal.Core.Tests.Notifications;

using System.Net;
using CsCheck;
using Portal.Core.Notifications;

public sealed class PublicAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:c0a8:0101::1")]
    public void Loopback_private_link_local_and_their_ipv6_disguises_are_refused(string address) =>
        Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::6810:85e5")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_allowed(string address) => Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void Every_address_in_a_private_range_is_refused_in_any_form() =>
        Gen.OneOf(
                Gen.Byte.Select(Gen.Byte, Gen.Byte, (b, c, d) => new byte[] { 10, b, c, d }),
                Gen.Byte[16, 31].Select(Gen.Byte, Gen.Byte, (b, c, d) => new byte[] { 172, b, c, d }),
                Gen.Byte.Select(Gen.Byte, (c, d) => new byte[] { 192, 168, c, d }),
                Gen.Byte.Select(Gen.Byte, (c, d) => new byte[] { 169, 254, c, d }),
                Gen.Byte.Select(Gen.Byte, Gen.Byte, (b, c, d) => new byte[] { 127, b, c, d }))
            .Sample(bytes =>
            {
                var v4 = new IPAddress(bytes);
                Assert.False(PublicAddresses.IsPublic(v4), v4.ToString());
                Assert.False(PublicAddresses.IsPublic(v4.MapToIPv6()), v4.MapToIPv6().ToString());
            });

    [Fact]
    public void Every_unique_local_and_link_local_ipv6_address_is_refused() =>
        Gen.Byte.Array[14].Select(Gen.OneOf(Gen.Const(new byte[] { 0xfd, 0x00 }), Gen.Const(new byte[] { 0xfc, 0x12 }), Gen.Const(new byte[] { 0xfe, 0x80 }), Gen.Const(new byte[] { 0xfe, 0xbf })))
            .Sample((tail, head) => Assert.False(PublicAddresses.IsPublic(new IPAddress([.. head, .. tail]))));
}
