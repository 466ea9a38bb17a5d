import type { Step } from "../spec/schema.js";

/**
 * The build step behind `timezone`: the zone file must exist in the image's tzdata (ICU, which
 * validated the name, may know a zone the distro's tzdata is too old for), then /etc/localtime
 * links to it and /etc/timezone names it, as Debian's and Alpine's own tools leave them. TZ at run
 * time is read before /etc/localtime by glibc and musl alike, so it still overrides.
 */
export function timezoneStep(zone: string): Step {
  const file = `/usr/share/zoneinfo/${zone}`;
  return {
    why: `timezone: ${zone} (docker run -e TZ=… still overrides it)`,
    run: [
      `[ -f ${file} ] || { echo "timezone: ${file} is not in this image's tzdata; pick a zone it has, or a newer base" >&2; exit 1; }`,
      `ln -sf ${file} /etc/localtime`,
      `echo ${zone} > /etc/timezone`,
    ].join("\n"),
    phase: "configure",
    buildCa: false,
  };
}
