/** `node scripts/run.mjs bench/site-main.ts`: the site's benchmark alone (bench/site.ts). */
import { benchSite } from "./site";

const { weight, charts } = await benchSite();
console.log(`${weight}\n\n${charts}`);
