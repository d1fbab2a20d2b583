// Colour maps for heat maps and feature maps: matplotlib's 256-entry tables as 8-bit sRGB, looked up the way
// matplotlib does (value v in [0, 1] takes entry min(255, floor(v * 256))), so a picture matches matplotlib's.
// viridis (perceptually uniform, CC0, van der Walt & Smith) and turbo (Google's improved jet, Apache-2.0,
// Mikhailov 2019), the usual choice for Grad-CAM overlays.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

// 16 colours (RRGGBB) per row, entries 0-255.
const TABLES_HEX = {
  viridis: [
    '44015444025544035745055845065a45085b46095c460b5e460c5f460e61470f62471163471265471466471567471669',
    '47186a48196b481a6c481c6e481d6f481e70482071482172482273482374472575472676472777472878472a79472b7a',
    '472c7b462d7c462f7c46307d46317e45327f45347f453580453681443781443982433a83433b83433c84423d84423e85',
    '4240854141864142864043874044873f45873f47883e48883e49893d4a893d4b893d4c893c4d8a3c4e8a3b508a3b518a',
    '3a528b3a538b39548b39558b38568b38578c37588c37598c365a8c365b8c355c8c355d8c345e8d345f8d33608d33618d',
    '32628d32638d31648d31658d31668d30678d30688d2f698d2f6a8d2e6b8e2e6c8e2e6d8e2d6e8e2d6f8e2c708e2c718e',
    '2c728e2b738e2b748e2a758e2a768e2a778e29788e29798e287a8e287a8e287b8e277c8e277d8e277e8e267f8e26808e',
    '26818e25828e25838d24848d24858d24868d23878d23888d23898d22898d228a8d228b8d218c8d218d8c218e8c208f8c',
    '20908c20918c1f928c1f938b1f948b1f958b1f968b1e978a1e988a1e998a1e998a1e9a891e9b891e9c891e9d881e9e88',
    '1e9f881ea0871fa1871fa2861fa38620a48520a58521a68521a78422a78423a88323a98224aa8225ab8126ac8127ad80',
    '28ae7f29af7f2ab07e2bb17d2cb17d2eb27c2fb37b30b47a32b57a33b67935b77836b87738b97639b9763bba753dbb74',
    '3ebc7340bd7242be7144be7045bf6f47c06e49c16d4bc26c4dc26b4fc36951c46853c56755c66657c66559c7645bc862',
    '5ec96160c96062ca5f64cb5d67cc5c69cc5b6bcd596dce5870ce5672cf5574d05477d05279d1517cd24f7ed24e81d34c',
    '83d34b86d44988d5478bd5468dd64490d64392d74195d73f97d83e9ad83c9dd93a9fd938a2da37a5da35a7db33aadb32',
    'addc30afdc2eb2dd2cb5dd2bb7dd29bade27bdde26bfdf24c2df22c5df21c7e01fcae01ecde01dcfe11cd2e11bd4e11a',
    'd7e219dae218dce218dfe318e1e318e4e318e7e419e9e419ece41aeee51bf1e51cf3e51ef6e61ff8e621fae622fde724',
  ].join(''),
  turbo: [
    '30123b31154232184a341b51351e5836215f37236538266c3929723a2c793b2f7f3c32853c358b3d37913e3a963f3d9c',
    '4040a14043a64145ab4148b0424bb5434eba4350be4353c24456c74458cb455bce455ed24560d64563d94666dd4668e0',
    '466be3466de64670e84673eb4675ed4678f0467af2467df4467ff64682f84584f94587fb4589fc448cfd438efd4291fe',
    '4193fe4096fe3f98fe3e9bfe3c9dfd3ba0fc39a2fc38a5fb36a8f934aaf833acf631aff52fb1f32db4f12bb6ef2ab9ed',
    '28bbeb26bde925c0e623c2e421c4e120c6df1ec9dc1dcbda1ccdd71bcfd41ad1d219d3cf18d5cc18d7ca17d9c717dac4',
    '17dcc217debf18e0bd18e1ba19e3b81ae4b61be5b41de7b11ee8af20e9ac22eba924eca627eda329eea02cef9d2ff09a',
    '32f19735f39438f4913bf48d3ff58a42f68746f7834af8804df97c51f97955fa7659fb725dfb6f61fc6c65fc6869fd65',
    '6dfd6271fd5f74fe5c78fe597cfe5680fe5384fe5087fe4d8bfe4b8efe4892fe4695fe4498fe429bfd409efd3ea1fc3d',
    'a4fc3ba6fb3aa9fb39acfa37aef937b1f836b3f835b6f735b9f534bbf434bef334c0f233c3f133c5ef33c8ee33caed33',
    'cdeb34cfea34d1e834d4e735d6e535d8e335dae236dde036dfde36e1dc37e3da37e5d838e7d738e8d538ead339ecd139',
    'edcf39efcd39f0cb3af2c83af3c63af4c43af6c23af7c039f8be39f9bc39f9ba38fab737fbb537fbb336fcb035fcae34',
    'fdab33fda932fda631fda330fea12ffe9e2efe9b2dfe982cfd952bfd9229fd8f28fd8c27fc8926fc8624fb8323fb8022',
    'fa7d20fa7a1ff9771ef8741cf7711bf76e1af66b18f56817f46516f36315f26014f15d13ef5a11ee5810ed550fec520e',
    'ea500de94d0de84b0ce6490be5460ae3440ae24209e04008de3e08dd3c07db3a07d93806d73606d63405d43205d23005',
    'd02f04ce2d04cb2b03c92903c72803c52602c32402c02302be2102bb1f01b91e01b61c01b41b01b11901ae1801ac1601',
    'a91501a61401a31201a011019d10019a0e01970d01940c01910b018e0a018b09018708018407018106027d05027a0402',
  ].join(''),
} as const;

export type ColormapName = keyof typeof TABLES_HEX;
export const COLORMAP_NAMES = Object.keys(TABLES_HEX) as ColormapName[];

const TABLES = new Map<ColormapName, Float32Array>(
  COLORMAP_NAMES.map((name) => {
    const hex = TABLES_HEX[name];
    return [name, Float32Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16) / 255)];
  }),
);

/**
 * Colour each value of x (in [0, 1]; values outside are clamped) with a colour map: the result has x's shape
 * plus a last axis of 3 (RGB in [0, 1], float32). Not differentiable (a picture, not a computation).
 */
export function applyColormap(x: Tensor, name: ColormapName = 'viridis'): Tensor {
  const table = TABLES.get(name);
  if (!table) throw new Error(`applyColormap: unknown colour map ${JSON.stringify(name)}; use one of ${COLORMAP_NAMES.join(', ')}`);
  const values = x.data;
  const out = new Float32Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (Number.isNaN(v)) throw new Error(`applyColormap: value at flat index ${i} of the ${formatShape(x.shape)} input is NaN; a colour map needs numbers`);
    const entry = Math.min(255, Math.max(0, Math.floor(v * 256)));
    out.set(table.subarray(3 * entry, 3 * entry + 3), 3 * i);
  }
  return new Tensor(out, [...x.shape, 3]);
}
