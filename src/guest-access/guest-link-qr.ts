import QRCode from 'qrcode';

/**
 * A link's URL as an SVG QR code, black on white with the standard four-module quiet zone,
 * so a phone reads it off a projector. Error correction M (15%) keeps the modules large
 * for our ~60-character URLs while surviving glare or a smudged screen.
 */
export function qrCodeSvg(url: string): Promise<string> {
  return QRCode.toString(url, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    color: { dark: '#000000', light: '#ffffff' },
  });
}
