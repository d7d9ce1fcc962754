#include "render/qr.hpp"

#include <qrencode.h>

#include <stdexcept>

#include "core/strings.hpp"

namespace govhub::render {

QrMatrix EncodeQr(const std::string& data) {
    QRcode* code = QRcode_encodeString(data.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) throw std::runtime_error("cannot encode the QR code");
    QrMatrix m;
    m.width = code->width;
    m.dark.resize(static_cast<size_t>(code->width * code->width));
    for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
    QRcode_free(code);
    return m;
}

std::string QrSvg(const std::string& data, int pixels, const std::string& label) {
    QrMatrix m = EncodeQr(data);
    int side = m.width + 8;
    std::string path;
    for (int r = 0; r < m.width; ++r)
        for (int c = 0; c < m.width; ++c)
            if (m.Dark(r, c))
                path += "M" + std::to_string(c + 4) + " " + std::to_string(r + 4) + "h1v1h-1z";
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" +
           core::HtmlEscape(label) + "\" width=\"" + std::to_string(pixels) + "\" height=\"" +
           std::to_string(pixels) + "\" viewBox=\"0 0 " + std::to_string(side) + " " +
           std::to_string(side) +
           "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
           "<path fill=\"#000\" d=\"" +
           path + "\"/></svg>";
}

}  // namespace govhub::render
