import { describe, expect, it } from "vitest";
import { admissionNetwork, ipv6Prefix, limiterKey, UNKNOWN_ADDRESS } from "../src/limiter";

const GARBAGE = [
  null,
  undefined,
  "",
  "not an address",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
  "12345::",
  "256.1.1.1",
  "1.2.3",
  "1.2.3.4::",
  "1.2.3.4:1::",
  "::1.2.3.4.5",
  "2001:db8::/48",
];

describe("limiterKey", () => {
  it("keys IPv4 addresses whole", () => {
    expect(limiterKey("203.0.113.7")).toBe("203.0.113.7");
    expect(limiterKey("203.0.113.8")).not.toBe(limiterKey("203.0.113.7"));
  });

  it("keys IPv6 addresses by their /64, however they are written", () => {
    const key = "2001:db8:0:1::/64";
    expect(limiterKey("2001:db8:0:1::1")).toBe(key);
    expect(limiterKey("2001:0db8:0000:0001:ffff:ffff:ffff:ffff")).toBe(key);
    expect(limiterKey("2001:DB8:0:1:abcd::")).toBe(key);
    expect(limiterKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(limiterKey("::1")).toBe("0:0:0:0::/64");
    expect(limiterKey("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
    expect(limiterKey("2001:db8:0:2::1")).not.toBe(key);
  });

  it("keys an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(limiterKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(limiterKey("::ffff:c000:201")).toBe("192.0.2.1");
    expect(limiterKey("0:0:0:0:0:ffff:192.0.2.1")).toBe("192.0.2.1");
  });

  it.each(GARBAGE)("puts %s under one shared key", (address) => {
    expect(limiterKey(address)).toBe(UNKNOWN_ADDRESS);
  });
});

describe("ipv6Prefix", () => {
  it("gives the /56 and the /48 of an IPv6 address, however it is written", () => {
    for (const address of [
      "2001:db8:aa:1ff::1",
      "2001:0db8:00aa:01ff:ffff:ffff:ffff:ffff",
      "2001:DB8:AA:100::",
    ]) {
      expect(ipv6Prefix(address, 56)).toBe("2001:db8:aa:100::/56");
      expect(ipv6Prefix(address, 48)).toBe("2001:db8:aa::/48");
    }
    expect(ipv6Prefix("2001:db8::1", 48)).toBe("2001:db8:0::/48");
    expect(ipv6Prefix("2001:db8:aa:200::1", 56)).toBe("2001:db8:aa:200::/56");
    expect(ipv6Prefix("::1", 48)).toBe("0:0:0::/48");
  });

  it.each(["203.0.113.7", "::ffff:203.0.113.7", ...GARBAGE])("has none for %s", (address) => {
    expect(ipv6Prefix(address, 56)).toBeNull();
    expect(ipv6Prefix(address, 48)).toBeNull();
  });
});

describe("admissionNetwork", () => {
  it("is the /24 of an IPv4 address", () => {
    expect(admissionNetwork("203.0.113.7")).toBe("203.0.113.0/24");
    expect(admissionNetwork("203.0.113.250")).toBe("203.0.113.0/24");
    expect(admissionNetwork(" 203.0.113.7 ")).toBe("203.0.113.0/24");
    expect(admissionNetwork("203.0.114.7")).toBe("203.0.114.0/24");
  });

  it("is the /48 of an IPv6 address, compressed or not", () => {
    for (const address of [
      "2001:db8:aa::1",
      "2001:db8:aa:ffff:ffff:ffff:ffff:ffff",
      "2001:0DB8:00AA:0000:0000:0000:0000:0001",
      "2001:db8:aa:1:2:3:4:5",
      "2001:db8:aa:1::192.0.2.1",
    ]) {
      expect(admissionNetwork(address)).toBe("2001:db8:aa::/48");
    }
    expect(admissionNetwork("2001:db8:ab::1")).toBe("2001:db8:ab::/48");
    expect(admissionNetwork("::")).toBe("0:0:0::/48");
  });

  it("is the IPv4 /24 of an IPv4-mapped IPv6 address", () => {
    expect(admissionNetwork("::ffff:203.0.113.7")).toBe("203.0.113.0/24");
    expect(admissionNetwork("::ffff:cb00:7107")).toBe("203.0.113.0/24");
  });

  it.each(GARBAGE)("puts %s in one shared unknown network", (address) => {
    expect(admissionNetwork(address)).toBe(UNKNOWN_ADDRESS);
  });
});
