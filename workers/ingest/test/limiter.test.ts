import { describe, expect, it } from "vitest";
import { limiterKey, UNKNOWN_ADDRESS } from "../src/limiter";

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
    expect(limiterKey("::ffff:192.0.2.1")).toBe("0:0:0:0::/64");
    expect(limiterKey("2001:db8:0:2::1")).not.toBe(key);
  });

  it.each([null, undefined, "", "not an address", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::"])(
    "puts %s under one shared key",
    (address) => {
      expect(limiterKey(address)).toBe(UNKNOWN_ADDRESS);
    },
  );
});
