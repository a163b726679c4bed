import { aliyunRpcSignature, tc3Authorization, tc3Signature } from '../../activities/sms/signatures';

// Known answers from the providers' own documentation, so that compatibility does not rest on a
// round trip through our own simulator (which checks with the same functions).

it("signs Aliyun's RPC worked example (签名机制, DescribeRegions, key testsecret)", () => {
  const parameters = {
    Timestamp: '2016-02-23T12:46:24Z',
    Format: 'XML',
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    Version: '2014-05-26',
    SignatureVersion: '1.0',
  };
  expect(aliyunRpcSignature('GET', parameters, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  // The Signature parameter itself is never signed.
  expect(aliyunRpcSignature('GET', { ...parameters, Signature: 'anything' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
});

it("signs the SMS documentation's SendSms example (a Chinese signature and a JSON parameter, key testSecret)", () => {
  const parameters = {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  };
  expect(aliyunRpcSignature('GET', parameters, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
});

it("signs Tencent Cloud's TC3-HMAC-SHA256 worked example (签名方法 v3, cvm DescribeInstances)", () => {
  const request = {
    host: 'cvm.tencentcloudapi.com',
    service: 'cvm',
    timestamp: 1551113065,
    contentType: 'application/json; charset=utf-8',
    payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  };
  expect(tc3Signature(request, 'Gu5t9xGARNpq86cd98joQYCN3*******')).toBe('2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c');
  expect(tc3Authorization(request, 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******', 'Gu5t9xGARNpq86cd98joQYCN3*******')).toBe(
    'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
  );
});
